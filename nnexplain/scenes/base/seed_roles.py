"""The seeds a fair comparison trains each side from, and the run roles they go by.

Shared by ``linear-collapse``'s spec (which names the further runs) and its scene (which reads them):
the scene may not import its spec, whose ``module`` names the scene (an import loop).
"""

SEEDS = (0, 1, 2)  # the seeds each side of the comparison is trained from (seed 0 of the linear net: the main run)


def role(name: str, seed: int) -> str:
    """The role of seed ``seed`` of side ``name`` (``linear`` or ``nonlinear``); seed 0 of the linear side is the
    main run."""
    return name if seed == 0 else f"{name}-seed{seed}"
