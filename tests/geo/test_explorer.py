import datetime as dt

from geo import filters as F
from geo.explorer import explorer_map
from geo.maps_offline import external_urls, remote_assets
from tests.geo.tiny_data import tiny_dataset


def _html(fmap) -> str:
    return fmap.get_root().render()


def test_map_has_draw_control_and_stays_offline():
    ds = tiny_dataset()
    frame = F.apply_filters(ds, F.CompoundFilter(as_of=dt.date(2022, 12, 9)))
    fmap = explorer_map(ds, frame, as_of="2022-12-09")
    html = _html(fmap)
    assert "new L.Control.Draw(" in html
    assert '"polygon": true' in html and '"rectangle": true' in html
    assert '"polyline": false' in html and '"circle": false' in html and '"marker": false' in html
    assert remote_assets(fmap) == [] and external_urls(html) == []
    assert ".leaflet-interactive:focus" in html
    assert "QY-A" in html and "QY-C" in html


def test_map_zooms_to_the_filtered_compounds():
    ds = tiny_dataset()
    one = F.apply_filters(ds, F.CompoundFilter(areas=("清溪片区",), as_of=dt.date(2022, 12, 9)))
    html = _html(explorer_map(ds, one, as_of="2022-12-09"))
    assert "fitBounds" in html and "[[30.675, 104.033], [30.675, 104.033]]" in html
    assert "QY-B" not in html
    none = _html(explorer_map(ds, one.iloc[0:0], as_of="2022-12-09"))
    assert "[[30.675, 104.033]" not in none  # nothing to zoom to: the district view


def test_no_zoom_when_asked():
    ds = tiny_dataset()
    frame = F.apply_filters(ds, F.CompoundFilter())
    html = _html(explorer_map(ds, frame, zoom_to_compounds=False, lang="en"))
    assert "[[30.663, 104.006], [30.675, 104.056]]" not in html
