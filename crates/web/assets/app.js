// Copy buttons: a button with data-copy="ID" copies the value of the field
// with that id. Without JavaScript the field stays selectable by hand.
document.addEventListener('click', async (event) => {
  const button = event.target.closest('button[data-copy]');
  if (!button) return;
  const field = document.getElementById(button.dataset.copy);
  if (!field) return;
  try {
    await navigator.clipboard.writeText(field.value);
    button.textContent = 'Copied';
  } catch {
    field.select();
    button.textContent = 'Press Ctrl+C to copy';
  }
});
