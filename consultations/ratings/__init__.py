"""Service evaluation (好差评): one rating per service given, bad reviews visited and rectified in time.

- ``models``: ``Rating`` (of an application, a question or an appointment; one each),
  ``RatingInvitation`` (the single-use link of a notification), ``Rectification`` (整改, with its
  return visit and two deadlines).
- ``clock``: the return-visit and rectification clocks registered with the core clock.
- ``services``: inviting, rating, the return visit, closing, appeals and the rater's verdict.
"""
