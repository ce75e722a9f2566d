"""The bottom caption of the learning-over-time scenes breaks a long line in two at full size."""


def test_a_long_caption_breaks_into_two_lines_of_readable_size():
    from nnexplain.mobjects.style import Theme, label
    from nnexplain.scenes.base.caption_layout import CAPTION_SIZE, CAPTION_WIDTH, caption_block

    theme = Theme()
    caption = caption_block("a caption far too long for one line of the frame " * 3, theme)
    line = label("a caption", theme, CAPTION_SIZE)
    assert label("a caption far too long for one line of the frame " * 3, theme, CAPTION_SIZE).width > CAPTION_WIDTH
    assert caption.width <= CAPTION_WIDTH
    assert 1.8 * line.height < caption.height < 3 * line.height  # two lines at full size, not one shrunk to fit
    short = caption_block("a caption", theme)
    assert abs(short.height - line.height) < 1e-9  # a line that fits stays one line, at full size
