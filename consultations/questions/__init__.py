"""Online consultation (网上咨询): questions, their first responder and reply clock, and the FAQ.

- ``models``: ``Question`` and its thread of ``Message`` rows, ``ReplyLimit``, ``FaqEntry``.
- ``clock``: the reply and forwarding clocks registered with the core clock.
- ``services``: every change of a question, used by the views, the admin and the demo.
- ``selectors``: what a person may see, the staff queue, the figures for supervision.
- ``faq``: the search of published answers (Chinese without word segmentation) and the
  check for personal details before an answer is published.
"""
