import { TwilioApiError } from './errors';

export interface PageQuery {
  PageSize?: string;
  Page?: string;
  PageToken?: string;
}

/**
 * Twilio's 2010 list envelope. The client follows `next_page_uri` verbatim, so every filter
 * the caller gave must survive into it.
 */
export function pageOf<T>(
  key: string,
  path: string,
  query: Record<string, string | string[] | undefined>,
  items: readonly T[],
  toJson: (item: T) => Record<string, unknown>,
): Record<string, unknown> {
  const pageSize = Number(query.PageSize ?? 50);
  const page = Number(query.Page ?? 0);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
    throw new TwilioApiError(20001, 400, 'PageSize must be between 1 and 1000');
  }
  if (!Number.isInteger(page) || page < 0) {
    throw new TwilioApiError(20001, 400, 'Page must be a non-negative integer');
  }
  const start = page * pageSize;
  const slice = items.slice(start, start + pageSize);
  const uriFor = (p: number): string => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || k === 'Page' || k === 'PageSize' || k === 'PageToken') continue;
      for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
    }
    params.set('PageSize', String(pageSize));
    params.set('Page', String(p));
    if (p > 0) params.set('PageToken', `PA${p * pageSize}`);
    return `${path}?${params.toString()}`;
  };
  const hasNext = start + pageSize < items.length;
  return {
    [key]: slice.map(toJson),
    first_page_uri: uriFor(0),
    next_page_uri: hasNext ? uriFor(page + 1) : null,
    previous_page_uri: page > 0 ? uriFor(page - 1) : null,
    page,
    page_size: pageSize,
    start,
    end: start + Math.max(slice.length - 1, 0),
    uri: uriFor(page),
  };
}
