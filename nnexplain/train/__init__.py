"""The training floor: torch trains networks and records them into run directories.

- :mod:`~nnexplain.train.recipes`: named training configurations (no torch needed to read them);
- :mod:`~nnexplain.train.loop`: the training loop, :func:`~nnexplain.train.loop.train`, and
  :func:`~nnexplain.train.loop.resume` from a snapshot's :mod:`~nnexplain.train.resume` state;
- :mod:`~nnexplain.train.recorder`: :class:`~nnexplain.train.recorder.Recorder`, for any torch loop;
- :mod:`~nnexplain.train.importer`: a run directory from a weights file trained elsewhere;
- :mod:`~nnexplain.train.models`, :mod:`~nnexplain.train.probe`: the torch MLP, and which items a run probes.

This floor writes runs through the run floor and reads data sets from the data floor;
it never imports the drawing floors, and they never import it.
"""
