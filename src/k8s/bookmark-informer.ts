// An informer whose watches ask for bookmarks: a quiet resource's watch then resumes from a recent
// resourceVersion instead of one etcd compacted away, which would answer 410 Gone and cost a full LIST.
import {
  ListWatch,
  Watch,
  type KubeConfig,
  type KubernetesObject,
  type ListPromise,
} from '@kubernetes/client-node';

class BookmarkWatch extends Watch {
  override watch(...args: Parameters<Watch['watch']>): ReturnType<Watch['watch']> {
    const [path, queryParams, callback, done] = args;
    return super.watch(path, { ...queryParams, allowWatchBookmarks: true }, callback, done);
  }
}

export function makeBookmarkInformer<T extends KubernetesObject>(
  kc: KubeConfig,
  path: string,
  list: ListPromise<T>,
  labelSelector?: string,
  fieldSelector?: string,
): ListWatch<T> {
  return new ListWatch<T>(path, new BookmarkWatch(kc), list, false, labelSelector, fieldSelector);
}
