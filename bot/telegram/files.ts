/**
 * Files sent in Telegram (photos, staff spreadsheets): getFile, then a download from
 * <apiRoot>/file/bot<token>/<path>; photos go on into the blob store.
 */
import { imageSize } from 'image-size';
import type { Api } from 'grammy';
import type { ConvContext } from './context.js';

export const MAX_PHOTO_BYTES = 20 * 1024 * 1024;

export class FileTooLarge extends Error {}

export interface DownloadedPhoto {
  data: Buffer;
  contentType: string;
  width: number;
  height: number;
}

/** Downloads a file by id through the Bot API (works with any TELEGRAM_API_ROOT); FileTooLarge past maxBytes. */
export async function downloadTelegramFile(api: Api, apiRoot: string, fileId: string, maxBytes: number): Promise<Buffer> {
  const file = await api.getFile(fileId);
  if (!file.file_path) throw new Error('no file_path');
  if ((file.file_size ?? 0) > maxBytes) throw new FileTooLarge();
  const res = await fetch(`${apiRoot}/file/bot${api.token}/${file.file_path}`);
  if (!res.ok) throw new Error(`file download failed: ${res.status}`);
  const data = Buffer.from(await res.arrayBuffer());
  if (data.length > maxBytes) throw new FileTooLarge();
  return data;
}

/** Downloads a photo by id and reads its type and size. */
export async function fetchTelegramFile(api: Api, apiRoot: string, fileId: string): Promise<DownloadedPhoto> {
  const data = await downloadTelegramFile(api, apiRoot, fileId, MAX_PHOTO_BYTES);
  const dim = imageSize(data);
  const type = dim.type === 'png' ? 'image/png' : dim.type === 'gif' ? 'image/gif' : dim.type === 'webp' ? 'image/webp' : 'image/jpeg';
  return { data, contentType: type, width: dim.width ?? 0, height: dim.height ?? 0 };
}

/** Downloads the photo and stores it as a blob; returns the blob id. */
export async function downloadPhoto(ctx: ConvContext, fileId: string): Promise<string> {
  const photo = await fetchTelegramFile(ctx.api, ctx.apiRoot, fileId);
  return ctx.services.store.blobs.put(photo.data, photo.contentType);
}
