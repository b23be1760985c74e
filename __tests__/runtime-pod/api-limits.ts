// The Kubernetes API's size limits, written out independently of src/ to check what the runtimes
// submit (Kubernetes 1.32 sources: apimachinery ValidateAnnotations TotalAnnotationSizeLimitB =
// 256 KiB; core validation ValidateConfigMap against MaxSecretSize = 1 MiB of data + binaryData;
// etcd's default --max-request-bytes 1.5 MiB for a stored object; the API server's 3 MiB request body).
export const LIMITS = { annotations: 262_144, configMapData: 1_048_576, etcdObject: 1_572_864, requestBody: 3 * 1_048_576 };

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every limit `obj` breaks, as "kind/name: what"; [] when it is within all of them. */
export function apiLimitProblems(obj: Obj): string[] {
  const out: string[] = [];
  const id = `${obj.kind}/${obj.metadata?.name}`;
  const ann = Object.entries((obj.metadata?.annotations ?? {}) as Record<string, string>).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (ann > LIMITS.annotations) out.push(`${id}: annotations ${ann} bytes`);
  if (obj.kind === 'ConfigMap') {
    let data = 0;
    for (const [k, v] of Object.entries((obj.data ?? {}) as Record<string, string>)) data += Buffer.byteLength(k) + Buffer.byteLength(v);
    for (const [k, v] of Object.entries((obj.binaryData ?? {}) as Record<string, string>)) data += Buffer.byteLength(k) + Buffer.from(v, 'base64').length;
    if (data > LIMITS.configMapData) out.push(`${id}: data ${data} bytes`);
  }
  // JSON carries binaryData as base64, more than etcd's protobuf stores: an upper bound for both.
  const json = Buffer.byteLength(JSON.stringify(obj));
  if (json > LIMITS.etcdObject) out.push(`${id}: ${json} bytes as JSON`);
  return out;
}
