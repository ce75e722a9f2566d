"""The training floor: torch trains networks and records them into run directories.

- :mod:`~nnexplain.train.recipes`: named training configurations (no torch needed to read them);
- :mod:`~nnexplain.train.loop`: the training loop, :func:`~nnexplain.train.loop.train`, and
  :func:`~nnexplain.train.loop.resume` from a snapshot's :mod:`~nnexplain.train.resume` state;
- :mod:`~nnexplain.train.recorder`: :class:`~nnexplain.train.recorder.Recorder`, for any torch loop;
- :mod:`~nnexplain.train.importer`: a run directory from a weights file trained elsewhere;
- :mod:`~nnexplain.train.probe`: which items a run probes (the torch model is the run's network's:
  :meth:`nnexplain.run.network.Network.torch_module`).

This floor writes runs through the run floor and reads data sets from the data floor;
it never imports the drawing floors, and they never import it.
"""
