// `lake user create|list|delete|set-password|revoke`: the accounts that may call the API, in its users
// database (LAKE_USERS_DB). Passwords come from a hidden prompt, or the first line of standard
// input with --password-stdin — never from the command line, where `ps` and shell history see them.
import { Command } from 'commander';
import { text } from 'node:stream/consumers';
import { read } from 'read';
import { loadApiConfig } from '../../api/config.js';
import { UserStore, checkPassword } from '../../api/users.js';
import { loadConfig } from '../config.js';
import { LakeError } from '../errors.js';
import { formatTable } from './table.js';

async function newPassword(fromStdin: boolean | undefined): Promise<string> {
  if (fromStdin) return checkPassword((await text(process.stdin)).split(/\r?\n/)[0] ?? '');
  if (!process.stdin.isTTY) throw new LakeError('no terminal to ask the password on', 'pipe it in with --password-stdin');
  const password = checkPassword(await read({ prompt: 'Password: ', silent: true, replace: '*' }));
  if ((await read({ prompt: 'Password (again): ', silent: true, replace: '*' })) !== password) throw new LakeError('the two passwords differ');
  return password;
}

/** Runs an action with the users database the API uses, closing it afterwards. */
async function withUsers(action: (users: UserStore) => Promise<void> | void): Promise<void> {
  const config = loadApiConfig(process.env, loadConfig().homeDir);
  const users = new UserStore(config.usersDb);
  try {
    await action(users);
  } finally {
    users.close();
  }
}

export function userCommand(): Command {
  const user = new Command('user').description('manage the users of the API');
  user
    .command('create <name>')
    .description('create a user (asks the password, or reads it from stdin)')
    .option('--password-stdin', 'read the password from the first line of standard input')
    .action((name: string, options: { passwordStdin?: boolean }) =>
      withUsers(async (users) => {
        const created = await users.create(name, await newPassword(options.passwordStdin));
        process.stdout.write(`created user ${created.username}\n`);
      }),
    );
  user
    .command('list')
    .description('list the users')
    .action(() =>
      withUsers((users) => {
        const all = users.list();
        if (all.length === 0) process.stdout.write('no users yet: lake user create <name>\n');
        else process.stdout.write(`${formatTable(['user', 'created'], all.map((u) => [u.username, u.createdAt]))}\n`);
      }),
    );
  user
    .command('delete <name>')
    .description('delete a user; their tokens stop working at once')
    .action((name: string) =>
      withUsers((users) => {
        if (!users.delete(name)) throw new LakeError(`no user ${name}`, 'list the users with: lake user list');
        process.stdout.write(`deleted user ${name}\n`);
      }),
    );
  user
    .command('set-password <name>')
    .description("change a user's password; their earlier tokens stop working")
    .option('--password-stdin', 'read the password from the first line of standard input')
    .action((name: string, options: { passwordStdin?: boolean }) =>
      withUsers(async (users) => {
        await users.setPassword(name, await newPassword(options.passwordStdin));
        process.stdout.write(`password of ${name} changed; earlier tokens are revoked\n`);
      }),
    );
  user
    .command('revoke <name>')
    .description("end every session of a user: their tokens stop working; the password stays")
    .action((name: string) =>
      withUsers((users) => {
        users.revokeSessions(name);
        process.stdout.write(`every session of ${name} ended; they must log in again\n`);
      }),
    );
  return user;
}
