// RBAC for the fake kubectl: with $FAKE_RBAC (a JSON file {user, rules: [{resources, verbs}]}, one
// namespace's Role as `kubectl auth can-i` sees it; cluster-scoped requests are never allowed), a
// call needing what the Role does not grant is refused as kubectl 1.32 prints it (exit 1):
//   Error from server (Forbidden): pods "x" is forbidden: User "u" cannot get resource "pods/log" in API group "" in the namespace "ns"
//   Error from server (Forbidden): nodes is forbidden: User "u" cannot list resource "nodes" in API group "" at the cluster scope
// What each call needs follows the API requests kubectl 1.32 makes: server-side apply patches and,
// for a new object, creates; get NAME gets, get without a name lists; logs gets pods/log; exec is a
// GET of pods/exec over WebSockets (kubectl >= 1.30); delete deletes and, unless --wait=false,
// lists and watches until the object is gone; delete -l lists first.
import { readFileSync } from 'node:fs';

const PLURAL = { pod: 'pods', pods: 'pods', configmap: 'configmaps', configmaps: 'configmaps', namespace: 'namespaces', namespaces: 'namespaces', node: 'nodes', nodes: 'nodes', event: 'events', events: 'events', serviceaccount: 'serviceaccounts', serviceaccounts: 'serviceaccounts' };
const CLUSTER_SCOPED = new Set(['nodes', 'namespaces']);

/** argv without the global flags (--kubeconfig X, --context X). */
function command(argv) {
  const out = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--kubeconfig' || argv[i] === '--context') i++;
    else out.push(argv[i]);
  }
  return out;
}

function flag(args, name) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** The API requests a call makes: [{verb, resource, name?, namespace?}]. */
export function requestsOf(argv, stdin) {
  const args = command(argv);
  const ns = args.includes('-A') ? undefined : flag(args, '-n');
  const [verb, type, name] = args;
  if (verb === 'apply') {
    const kinds = [...stdin.matchAll(/^kind: "?(\w+)"?$/gm)].map((m) => PLURAL[m[1].toLowerCase()]);
    return [...new Set(kinds)].flatMap((resource) => ['patch', 'create'].map((v) => ({ verb: v, resource, namespace: CLUSTER_SCOPED.has(resource) ? undefined : ns })));
  }
  if (verb === 'logs') return [{ verb: 'get', resource: 'pods/log', name: type, namespace: ns }];
  if (verb === 'exec') return [{ verb: 'get', resource: 'pods/exec', name: type, namespace: ns }];
  const resource = PLURAL[type] ?? type;
  const scope = CLUSTER_SCOPED.has(resource) ? undefined : ns;
  const named = name && !name.startsWith('-');
  if (verb === 'get') return [{ verb: named ? 'get' : 'list', resource, name: named ? name : undefined, namespace: resource === 'namespaces' && named ? name : scope }];
  if (verb === 'delete') {
    const reqs = [];
    if (args.includes('-l')) reqs.push({ verb: 'list', resource, namespace: scope });
    reqs.push({ verb: 'delete', resource, name: named ? name : undefined, namespace: resource === 'namespaces' && named ? name : scope });
    if (!args.includes('--wait=false')) reqs.push({ verb: 'list', resource, namespace: scope }, { verb: 'watch', resource, namespace: scope });
    return reqs;
  }
  return [];
}

/** kubectl's Forbidden line for the first request the Role does not grant, or null. */
export function refusal(argv, stdin, rbacFile) {
  const rbac = JSON.parse(readFileSync(rbacFile, 'utf8'));
  for (const r of requestsOf(argv, stdin)) {
    const granted = r.namespace !== undefined && rbac.rules.some((rule) => rule.resources.includes(r.resource) && rule.verbs.includes(r.verb));
    if (granted) continue;
    const object = r.name ? `${r.resource.split('/')[0]} "${r.name}"` : r.resource;
    const where = r.namespace === undefined ? 'at the cluster scope' : `in the namespace "${r.namespace}"`;
    return `Error from server (Forbidden): ${object} is forbidden: User "${rbac.user}" cannot ${r.verb} resource "${r.resource}" in API group "" ${where}\n`;
  }
  return null;
}
