// Reads a multi-document YAML stream (what `kubectl apply -f -` reads), from the file named by
// its argument or else stdin, and checks
// every object against the official Kubernetes OpenAPI schema that the npm package
// kubernetes-models (the version package-lock.json pins) ships, offline. Prints one line per
// object, "ok KIND NAME" or "invalid KIND NAME: why", and exits 1 if any object is invalid,
// unknown, or the stream is not clean YAML.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const text = readFileSync(process.argv[2] ?? 0, "utf8");
let failed = false;
for (const doc of parseAllDocuments(text)) {
  if (doc.errors.length > 0 || doc.warnings.length > 0) {
    console.log("invalid YAML: " + [...doc.errors, ...doc.warnings].map((e) => e.message).join("; "));
    failed = true;
    continue;
  }
  const obj = doc.toJS();
  if (obj === null) {
    continue;
  }
  const what = `${obj.kind} ${obj.metadata && obj.metadata.name}`;
  let model;
  try {
    model = await import(`kubernetes-models/${obj.apiVersion}/${obj.kind}`);
  } catch (e) {
    console.log(`invalid ${what}: no schema for apiVersion ${obj.apiVersion}, kind ${obj.kind}`);
    failed = true;
    continue;
  }
  try {
    new model[obj.kind](obj).validate();
    console.log(`ok ${what}`);
  } catch (e) {
    console.log(`invalid ${what}: ${e.message}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
