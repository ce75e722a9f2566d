"""Default runs are cached under a hash of everything they were trained with: a changed recipe trains again."""

import json
from dataclasses import fields, replace

import pytest

import nnexplain.app.cache as cache_module
from nnexplain.app.cache import cache_dir, config_hash, default_run_dir, ensure_default_run
from nnexplain.run import load_run
from nnexplain.train import loop
from nnexplain.train.recipes import RECIPES, Recipe, TrainConfig

RECIPE = "chain"  # a 1-1-1-1 network: trains in well under a second for a few epochs


@pytest.fixture
def quick_recipe(monkeypatch):
    """The chain recipe cut to 3 epochs; returns a function that changes its config as an edit of recipes.py would."""

    original = RECIPES[RECIPE]

    def set_config(**changes) -> TrainConfig:
        config = replace(original.config, epochs=3, max_snapshots=2, **changes)
        monkeypatch.setitem(RECIPES, RECIPE, Recipe(original.name, original.description, config))
        return config

    set_config()
    return set_config


@pytest.fixture
def trainings(monkeypatch):
    """The configs that training was called with, in order."""
    called = []
    real = loop.train

    def counted(config, out, **kwargs):
        called.append(config)
        return real(config, out, **kwargs)

    monkeypatch.setattr(loop, "train", counted)
    return called


def test_an_unchanged_recipe_finds_its_run(quick_recipe, trainings):
    first = ensure_default_run(RECIPE)
    assert first.parent == cache_dir() / "runs" and len(trainings) == 1
    manifest = (first / "manifest.json").stat().st_mtime_ns
    assert ensure_default_run(RECIPE) == first == default_run_dir(RECIPE)
    assert len(trainings) == 1 and (first / "manifest.json").stat().st_mtime_ns == manifest


def test_a_changed_recipe_trains_a_new_run_and_draws_it(quick_recipe, trainings):
    old = ensure_default_run(RECIPE)
    changed = quick_recipe(lr=0.5)
    new = ensure_default_run(RECIPE)
    assert new != old and len(trainings) == 2 and trainings[-1] == changed
    assert load_run(new).manifest["config"]["lr"] == 0.5 != load_run(old).manifest["config"]["lr"]
    assert default_run_dir(RECIPE) == new
    quick_recipe()  # changed back: the first run is found again, not retrained
    assert ensure_default_run(RECIPE) == old and len(trainings) == 2


def test_another_run_format_is_another_run(quick_recipe, monkeypatch):
    before = default_run_dir(RECIPE)
    monkeypatch.setattr(cache_module, "FORMAT_VERSION", cache_module.FORMAT_VERSION + 1)
    assert default_run_dir(RECIPE) != before


def _changed(value):
    """Another value of the same kind."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 1
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, tuple):
        return value + (1,)
    if isinstance(value, dict):
        return {**value, "extra": 1}
    if value is None:
        return "somewhere"
    raise AssertionError(f"no other value for {value!r}")


@pytest.mark.parametrize("name", [field.name for field in fields(TrainConfig)])
def test_every_setting_of_a_recipe_is_in_its_hash(name):
    config = RECIPES[RECIPE].config
    changed = replace(config, **{name: _changed(getattr(config, name))})
    assert config_hash(changed) != config_hash(config)
    assert config_hash(replace(config)) == config_hash(config)


def test_the_hash_is_of_canonical_json():
    """Key order and tuples against lists do not matter; the hash is of what the manifest records."""
    config = RECIPES["moons-overfit"].config
    reordered = replace(config, dataset_options=dict(reversed(list(config.dataset_options.items()))))
    assert config_hash(reordered) == config_hash(config)
    assert config_hash(TrainConfig.from_dict(json.loads(json.dumps(config.to_dict())))) == config_hash(config)
