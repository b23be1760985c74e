// Proof that a SUT process is hooked: the hook's .so is mapped (its /proc/<pid>/maps has the path).
// ConfigMap volumes on Kubernetes are symlinks into a timestamped ..data dir, so the mapped path is
// <mount dir>/..<stamp>/<file>; podman maps <mount dir>/<file>.

export function isMapped(maps: string, mountDir: string, fileName: string): boolean {
  for (const line of maps.split('\n')) {
    const i = line.indexOf('/');
    if (i < 0) continue;
    const path = line.slice(i).trim().replace(/ \(deleted\)$/, '');
    if (path.startsWith(`${mountDir}/`) && path.endsWith(`/${fileName}`)) return true;
  }
  return false;
}

/** The ld.so complaint, if the SUT's log has one (e.g. "ld.so: object ... cannot be preloaded"). */
export function loaderMessage(log: string): string | undefined {
  return log.split('\n').find((l) => /ld\.so|cannot be preloaded|LD_PRELOAD/i.test(l))?.trim();
}
