"""Taking over an account opened at the hall, with a code sent to the mobile on file."""
