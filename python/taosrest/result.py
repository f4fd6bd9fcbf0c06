"""taospy's ``Result``: the response of one statement, wrapped."""

from typing import Dict, List

__all__ = ["Result"]


class Result:
    """The response of ``TaosRestConnection.query()``: ``code``, ``column_meta`` (``[name,
    type_name, length]`` lists), ``data`` (rows as lists), ``rows``; iterating yields the rows."""

    def __init__(self, resp: dict):
        if "status" in resp:
            self.status: str = resp["status"]
        else:
            self.code: int = resp["code"]
        self.column_meta: List[list] = resp["column_meta"]
        self.data: List[list] = resp["data"]
        self.rows: int = resp["rows"]

    @property
    def field_count(self):
        return len(self.column_meta)

    @property
    def fields(self) -> List[Dict]:
        """A list of ``{"name", "type", "bytes"}`` dicts, one per column."""
        return [{"name": meta[0], "type": meta[1], "bytes": meta[2]} for meta in self.column_meta]

    def __iter__(self):
        return self.data.__iter__()
