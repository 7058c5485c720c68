/** Sets the document title from a signal (a run's or deployment's name), e.g. "nightly · Flow run · Rigel". */
import { effect, inject } from '@angular/core';
import { Title } from '@angular/platform-browser';

export function pageTitle(kind: string, name: () => string | undefined): void {
  const title = inject(Title);
  effect(() => {
    const value = name();
    if (value) title.setTitle(`${value} · ${kind} · Rigel`);
  });
}
