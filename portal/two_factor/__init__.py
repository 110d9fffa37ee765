"""A second factor for staff: TOTP from an authenticator app plus single-use recovery codes (django-otp).

Staff log in with their password as before; the admin site (portal/admin_site.py) then lets
them in only once this session is verified by a code, and sends them here to enrol or to type it.
"""
