"""Plain-numpy geometry of what networks do: no manim, no torch.

- :mod:`~nnexplain.geometry.hinges`: 1-D regressions, their sampled curves and per-unit hinges;
- :mod:`~nnexplain.geometry.warp`: the 2-D grid, its recorded images through each layer, projections, layer motions;
- :mod:`~nnexplain.geometry.paths`: invertible paths of matrices for animating linear maps;
- :mod:`~nnexplain.geometry.steps`: a network cut into the steps a scene plays (mirror, linear, shift, activate);
- :mod:`~nnexplain.geometry.boundary`: the output layer's decision line or plane, and the verdict on the input plane.
"""
