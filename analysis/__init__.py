"""Reading sgsim output in Python (numpy and h5py only).

    from analysis import open_run
    with open_run("results/england.h5") as run:
        pop = run.timeseries("england", "population")   # [replicate x day]

See analysis/runfile.py for the file layout, and
``python3 -m analysis.runfile OUT.h5`` for a quick table of a run's summaries.
"""

__all__ = ["open_run", "RunFile", "Metric", "IncompleteRunError", "RunFileError"]


def __getattr__(name):
    # Imported lazily so that `python3 -m analysis.runfile` does not import the
    # module twice (runpy warns when a package imports the module it runs).
    if name in __all__:
        from . import runfile

        return getattr(runfile, name)
    raise AttributeError(f"module 'analysis' has no attribute '{name}'")
