"""chitieu: the appendix tables of Vietnamese commune plans as a queryable database.

The stages are subpackages (`chitieu.ingest`, `chitieu.normalize`, `chitieu.store`);
the analyst's API is at the top:

    import chitieu
    report = chitieu.ingest(["plans/"], db="sqlite:///province.db")   # the CLI's ingest job
    df = chitieu.read_targets("sqlite:///province.db", indicator="infra.5g_coverage")
"""

from __future__ import annotations

import types
from importlib.metadata import PackageNotFoundError, version

from chitieu import ingest as _ingest_package

try:
    __version__ = version("chitieu")
except PackageNotFoundError:  # running from a checkout that is not installed
    __version__ = "0+unknown"

__all__ = ["ingest", "read_targets", "read_assignments", "read_documents", "__version__"]


class _IngestPackage(types.ModuleType):
    """`chitieu.ingest` is the extract stage's package and, called, the whole ingest job."""

    def __call__(self, paths, **options):
        from chitieu.api import ingest

        return ingest(paths, **options)


_ingest_package.__class__ = _IngestPackage


def read_targets(*args, **kwargs):
    from chitieu.api import read_targets

    return read_targets(*args, **kwargs)


def read_assignments(*args, **kwargs):
    from chitieu.api import read_assignments

    return read_assignments(*args, **kwargs)


def read_documents(*args, **kwargs):
    from chitieu.api import read_documents

    return read_documents(*args, **kwargs)
