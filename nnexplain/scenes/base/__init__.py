"""What the scenes stand on: the run-drawing base classes and the story bases two scenes or more share.

- :mod:`~nnexplain.scenes.base.runs`: :class:`SceneRuns`, the runs a scene is handed (no manim);
- :mod:`~nnexplain.scenes.base.run_scene`: ``RunScene``/``RunThreeDScene``, beats as manim sections;
- :mod:`~nnexplain.scenes.base.plane_story`: a 2-D panel moved step by step (``fold``, ``linear-collapse``);
- :mod:`~nnexplain.scenes.base.hinge_story`: 1-D fits built from hinges (``relu-sine``, ``relu-square``);
- :mod:`~nnexplain.scenes.base.caption_layout`: a title block and narration drawn under the picture
  (``hidden-features``, ``training``, ``neuron-maps``, ``softmax``).
"""
