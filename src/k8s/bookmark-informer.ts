// An informer whose watches ask for bookmarks: a quiet resource's watch then resumes from a recent
// resourceVersion instead of one etcd compacted away, which would answer 410 Gone and cost a full LIST.
import type { KubernetesObject } from '@kubernetes/client-node';
import { ListWatch, type ListWatchOptions } from './rest/list-watch.ts';
import type { RestClient } from './rest/rest-client.ts';

/**
 * makeBookmarkInformer lists and watches path with the same selectors, caching what the optional transform keeps of
 * each object; it starts when start() is called.
 */
export function makeBookmarkInformer<T extends KubernetesObject>(
  client: RestClient,
  path: string,
  labelSelector?: string,
  fieldSelector?: string,
  { transform }: Pick<ListWatchOptions<T>, 'transform'> = {},
): ListWatch<T> {
  return new ListWatch<T>(client, path, {
    labelSelector,
    fieldSelector,
    watchQuery: { allowWatchBookmarks: true },
    ...(transform ? { transform } : {}),
  });
}
