/**
 * The exact-name lookup behind the new-server dialog's "For user" check: the
 * hub's search matches a substring, a page at a time.
 */
import type { IHubUserPage, IResource } from '../api';
import { findHubUser } from '../commands/createServer';

function server(user: string, name: string): IResource {
  return { key: `hub/${user}/${name}`, name, owner: user } as IResource;
}

/** A search over `users`, `size` per page, recording the offsets asked. */
function pagedSearch(
  users: { name: string; servers: IResource[] }[],
  size: number,
  asked: number[]
) {
  return async (text: string, offset = 0): Promise<IHubUserPage> => {
    asked.push(offset);
    const matches = users.filter(u => u.name.includes(text));
    const page = matches.slice(offset, offset + size);
    const next = offset + size < matches.length ? offset + size : null;
    return { users: page, next, total: matches.length };
  };
}

describe('findHubUser', () => {
  it('finds a user past the first page, with their servers', async () => {
    const users = [
      ...Array.from({ length: 450 }, (_, i) => ({
        name: `bob${i}`,
        servers: []
      })),
      { name: 'bob', servers: [server('bob', 'dev')] }
    ];
    const asked: number[] = [];
    await expect(
      findHubUser('bob', pagedSearch(users, 200, asked))
    ).resolves.toEqual({ exists: true, servers: ['dev'] });
    expect(asked).toEqual([0, 200, 400]);
  });

  it('says "no such user" only once every match was read', async () => {
    const asked: number[] = [];
    const few = [{ name: 'bobby', servers: [] }];
    await expect(
      findHubUser('bob', pagedSearch(few, 200, asked))
    ).resolves.toEqual({ exists: false, servers: [] });

    const many = Array.from({ length: 1200 }, (_, i) => ({
      name: `bob${i}`,
      servers: []
    }));
    await expect(
      findHubUser('bob', pagedSearch(many, 200, []))
    ).resolves.toBeNull();
  });

  it('leaves the last word to the hub when the search fails', async () => {
    await expect(
      findHubUser('bob', async () => {
        throw new Error('404');
      })
    ).resolves.toBeNull();
  });
});
