"""Production settings plus one bare view, so the benchmark compares like with like."""

from portal.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
