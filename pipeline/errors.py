"""One error family: callers catch PipelineError, or the stdlib base they expect."""


class PipelineError(Exception):
    """Root of every error the pipeline raises on purpose."""


class ConfigError(PipelineError, ValueError):
    """A setting or command-line argument that cannot be used."""


class DataFileError(PipelineError, ValueError):
    """A bundled or user data file that is missing or malformed.

    The message names the file, the row when there is one, and the problem.
    """

    def __init__(self, path, problem: str, row: int | None = None):
        self.path = str(path)
        self.row = row
        self.problem = problem
        where = f"{self.path}, row {row}" if row is not None else self.path
        super().__init__(f"{where}: {problem}")
