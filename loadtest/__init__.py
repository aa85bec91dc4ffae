"""make loadtest and make faults: load and fault runs against a live gunicorn.

loadtest.load drives locust (loadtest/locustfile.py) against the production
settings; loadtest.faults stops PostgreSQL, kills a worker and fails a seed
half way under load. Both write their figures into docs/reliability.md.
"""
