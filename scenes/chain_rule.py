"""`chain-rule` for plain manim; the scene itself is nnexplain.scenes.chain_rule.ChainRule.

    NNEXPLAIN_RUN=runs/chain manim -ql scenes/chain_rule.py ChainRule

Unset variables mean the scene's default runs (trained once into the cache).
"""

from nnexplain.app.standalone import FromEnvironment
from nnexplain.scenes.chain_rule import ChainRule as ChainRuleScene


class ChainRule(FromEnvironment, ChainRuleScene):
    pass
