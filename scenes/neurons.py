from manim import Scene, Text, Create, Circle
class Neurons(Scene):
    def construct(self):
        self.play(Create(Circle()))
