from app.scheduler import build_scheduler


def test_scheduler_jobs_have_explicit_ids_and_never_overlap(app):
    scheduler = build_scheduler(app)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert {"heartbeat", "outbox", "exchanges-expire-offers"} <= jobs.keys()
    for job in jobs.values():
        assert job.coalesce is True
        assert job.max_instances == 1
