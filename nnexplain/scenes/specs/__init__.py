"""One spec module per built-in scene, named like the scene's module: ``specs/fold.py`` for ``scenes/fold.py``.

Each defines ``SPEC``, a :class:`~nnexplain.scenes.base.spec.SceneSpec`. The application's
catalog finds them all (:func:`nnexplain.app.catalog.discover_specs`); nothing lists them
by hand. Spec modules import neither manim nor torch, so ``nnexplain list`` stays fast.
"""
