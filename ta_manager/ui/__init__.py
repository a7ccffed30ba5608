"""The browser interface: server-rendered pages (Jinja2 + htmx) on the same services as the API.

One module per area, templates in `templates/<area>/` (htmx fragments in `partials/`),
vendored htmx and Pico CSS in `static/vendor/`:

- auth.py        /login, /logout
- dashboard.py   /  (per role)
- activities.py  /activities, /activities/new, /activities/{id}, /activities/{id}/edit
- needs.py       /needs, /needs/new, /needs/{id}, /needs/{id}/edit, candidate confirm/reject
- pickers.py     /pick/{kind}: type-ahead suggestions for States, organizations, projects, needs
- matrix.py      /matrix, /matrix/cell
- reports.py     /reports (annual figures, inline SVG charts from charts.py, downloads)
- funding.py     /funding
- imports.py     /imports (upload, dry run, confirm)
- proposals.py   /proposals, /proposals/{id}
- admin.py       /admin: users, assignments, API tokens, reference data
- forms.py / choices.py / records.py: forms <-> API structs, choice lists, record pages
- pages.py / templating.py / router.py: rendering, navigation, errors, the router
"""
