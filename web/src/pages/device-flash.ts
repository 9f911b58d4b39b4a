// Marks a value that just changed (the "flash" animation in style.css),
// restarting the animation when the same element changes again.
export function flash(el: Element): void {
  el.classList.remove("flash");
  void (el as HTMLElement).offsetWidth; // a reflow, so removing and adding restarts it
  el.classList.add("flash");
}
