// Progressive enhancement only: every page works without this script.
import { initAll } from '/assets/govuk-frontend/dist/govuk/govuk-frontend.min.js'
initAll()
