// Reads an .ics file with ical.js (the calendar engine of Thunderbird and Nextcloud) and
// prints, as JSON, the UTC start of every occurrence of each event up to a date.
// Usage: node ical_occurrences.mjs FILE.ics UNTIL_ISO   (used by test_ical_js.py)
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

// The test passes the path of node_modules/ical.js/dist/ical.js (the npm package).
const ICAL = (await import(pathToFileURL(process.env.ICAL_JS).href)).default;

const [file, until] = process.argv.slice(2);
const component = new ICAL.Component(ICAL.parse(readFileSync(file, "utf8")));
// Register the file's own VTIMEZONEs, as calendar apps do: ical.js must read them right.
for (const zone of component.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(zone));
}
const end = ICAL.Time.fromJSDate(new Date(until), true);
const result = {};
for (const vevent of component.getAllSubcomponents("vevent")) {
  const event = new ICAL.Event(vevent);
  const iterator = event.iterator();
  const starts = [];
  for (let next = iterator.next(); next && next.compare(end) <= 0; next = iterator.next()) {
    starts.push(next.toJSDate().toISOString());
  }
  result[event.uid] = starts;
}
process.stdout.write(JSON.stringify(result));
