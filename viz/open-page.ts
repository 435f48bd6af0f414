// `lake viz --open`: shows a page in the desktop's browser, when there is a desktop. On a server
// or in a container there is none, and the caller says where the file is instead.
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';

/** Opens `file` in the default browser; resolves to why it could not, or undefined once launched. */
export function openPage(file: string, platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const opener = openerFor(platform, env);
  if (typeof opener === 'string') return Promise.resolve(opener);
  const [command, ...args] = opener;
  return new Promise((resolve) => {
    const child = spawn(command as string, [...args, pathToFileURL(file).href], { detached: true, stdio: 'ignore' });
    child.once('error', (error) => resolve(`${command} failed: ${error.message}`));
    child.once('spawn', () => {
      child.unref();
      resolve(undefined);
    });
  });
}

/** The command that opens a URL on this platform, or why there is none. */
export function openerFor(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] | string {
  if (platform === 'darwin') return ['open'];
  if (platform === 'win32') return ['cmd', '/c', 'start', '""'];
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return 'no desktop here (neither DISPLAY nor WAYLAND_DISPLAY is set)';
  return ['xdg-open'];
}
