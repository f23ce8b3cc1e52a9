import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from lib.plotting import color_for, plot_curves, use_book_style  # noqa: E402


def test_style_is_applied():
    use_book_style()
    assert matplotlib.rcParams["axes.grid"] is True


def test_curves_drawn_with_book_colours():
    ax = plot_curves({"Adam": [3, 2, 1], "SGD": [3, 2.5, 2]},
                     xlabel="epoch", ylabel="loss", logy=True)
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["Adam", "SGD"]
    assert matplotlib.colors.same_color(lines[0].get_color(),
                                        color_for("Adam"))
    assert ax.get_yscale() == "log"
    plt.close("all")


def test_unknown_name_has_no_fixed_colour():
    assert color_for("my optimizer") is None


@pytest.mark.parametrize("curves", [{}, [1, 2], {"a": []}])
def test_bad_curves(curves):
    with pytest.raises(ValueError):
        plot_curves(curves, xlabel="x", ylabel="y")


def test_book_style_stores_retina_figures_in_a_kernel(monkeypatch):
    import IPython
    import matplotlib_inline.backend_inline as inline
    asked = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: object())
    monkeypatch.setattr(inline, "set_matplotlib_formats",
                        lambda *formats: asked.append(formats))
    use_book_style()
    assert asked == [("retina",)]


def test_book_style_outside_a_kernel_only_sets_rcparams(monkeypatch):
    import IPython
    import matplotlib_inline.backend_inline as inline
    monkeypatch.setattr(IPython, "get_ipython", lambda: None)
    monkeypatch.setattr(inline, "set_matplotlib_formats",
                        lambda *formats: pytest.fail("not in a kernel"))
    use_book_style()
