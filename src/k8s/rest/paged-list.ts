// A LIST in pages (`limit` and `continue`), as client-go's pager reads it, so a large collection never arrives
// as one huge answer; the pages are gathered into one consistent snapshot.
import { statusCodeOf } from '../errors.ts';
import type { Query, RestClient } from './rest-client.ts';

export const LIST_PAGE_SIZE = 500;

interface ListPage<T> {
  items?: T[] | null;
  metadata?: { resourceVersion?: string; continue?: string };
}

export interface ListSnapshot<T> {
  items: T[];
  resourceVersion: string;
}

export interface PagedListOptions {
  query?: Query;
  signal?: AbortSignal | undefined;
  pageSize?: number;
}

/**
 * listAllPages reads every page of path; a continue token that expired (410) mid-way starts the list over, so
 * the items always come from one snapshot and its resourceVersion.
 */
export async function listAllPages<T>(
  client: RestClient,
  path: string,
  { query = {}, signal, pageSize = LIST_PAGE_SIZE }: PagedListOptions = {},
): Promise<ListSnapshot<T>> {
  for (let restarts = 0; ; restarts++) {
    const items: T[] = [];
    let token: string | undefined;
    try {
      for (;;) {
        const page: ListPage<T> = await client.request<ListPage<T>>({
          path,
          query: { ...query, limit: pageSize, continue: token },
          signal,
        });
        items.push(...(page.items ?? []));
        token = page.metadata?.continue || undefined;
        if (!token) return { items, resourceVersion: page.metadata?.resourceVersion ?? '' };
      }
    } catch (err) {
      // only an expired continue token is worth a fresh start, and only a few times in a row
      if (token === undefined || statusCodeOf(err) !== 410 || restarts >= 2) throw err;
    }
  }
}
