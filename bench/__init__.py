"""The benchmark (issue 10): ``python -m bench`` (or ``make bench``) seeds a synthetic country
(``seed_scale``) in PostgreSQL, starts the portal under gunicorn, and measures the key pages
against the framework floor with wrk from a second process. See bench/run.py and the README's
"Scale and benchmark" section."""
