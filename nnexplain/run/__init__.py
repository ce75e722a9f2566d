"""The run floor: the run directory, the contract between training and drawing.

- :mod:`~nnexplain.run.directory`: the format (manifest + safetensors), written atomically, read without unpickling
  (:mod:`~nnexplain.run.writing` writes it, :mod:`~nnexplain.run.manifest` reads and writes the manifest);
- :mod:`~nnexplain.run.schema`, :mod:`~nnexplain.run.checks`, :mod:`~nnexplain.run.files`: the manifest's schema,
  what each file's arrays must hold, and the files' checksums: every run read is checked;
- :mod:`~nnexplain.run.snapshot` and :mod:`~nnexplain.run.contents`: what a snapshot holds, computed from weights;
- :mod:`~nnexplain.run.network`: the network of a run, made of :mod:`~nnexplain.run.layers` (one file per kind):
  its parameters, the numpy forward pass and the torch module; :mod:`~nnexplain.run.activations`: every activation
  and output function; :mod:`~nnexplain.run.weights`: a network's parameters from named arrays;
- :mod:`~nnexplain.run.schedule`: which epochs are recorded, and which of them a sweep shows;
- :mod:`~nnexplain.run.staging`: a whole run directory built beside its place, then renamed in.

This floor imports only the data floor and the errors below it; training and drawing import it.
"""

from nnexplain.run.directory import (
    FORMAT,
    FORMAT_VERSION,
    Run,
    create_run,
    load_run,
    update_manifest,
    write_mistakes,
    write_snapshot,
)

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "Run",
    "create_run",
    "load_run",
    "update_manifest",
    "write_mistakes",
    "write_snapshot",
]
