/** Sends the API key from Settings as `Authorization: Bearer` on every API request. */
import { inject } from '@angular/core';
import type { HttpInterceptorFn } from '@angular/common/http';
import { Settings } from './settings';

export const authInterceptor: HttpInterceptorFn = (request, next) => {
  const settings = inject(Settings);
  const key = settings.apiKey();
  if (!key || !request.url.startsWith(settings.apiBase())) return next(request);
  return next(request.clone({ setHeaders: { Authorization: `Bearer ${key}` } }));
};
