"""gunicorn's logger with national IDs masked (core/logmask.py): ``--logger-class
core.gunicorn_logging.MaskingLogger`` (make run, the Docker image's command). The filter sits on
the access and error logs' handlers, so it also masks what uvicorn's workers log through them
(uvicorn_worker hands uvicorn's ``uvicorn.access`` logger these same handlers)."""

from gunicorn.glogging import Logger

from core.logmask import MaskNationalIds


class MaskingLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            for handler in log.handlers:
                if not any(isinstance(f, MaskNationalIds) for f in handler.filters):
                    handler.addFilter(MaskNationalIds())
