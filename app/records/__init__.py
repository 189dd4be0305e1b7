"""Records: disposal of personal data by the records plan's rules, subject access and
erasure, and the backup archive (`flask backup`, `flask restore`)."""
