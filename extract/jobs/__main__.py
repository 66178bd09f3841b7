"""``python -m extract.jobs batch|export|review ...``: the job commands without the main CLI."""
from extract.jobs.cli import jobs_app

if __name__ == "__main__":
    jobs_app()
