// The runs page: while some run on it is unfinished, its rows are read again every two
// seconds and replaced, so states and times move without a reload. Without this script the
// page still works: a reload shows the same.
const EVERY_MS = 2000;
const rows = document.querySelector("tbody[data-rows]");

async function refresh() {
  let response;
  try {
    response = await fetch(rows.dataset.rows, { headers: { accept: "text/html" } });
  } catch {
    setTimeout(refresh, EVERY_MS * 5);
    return;
  }
  if (response.status === 401) {
    // Signed out (here or in another tab): the reload shows the sign-in page.
    location.reload();
    return;
  }
  if (response.ok) {
    // The server's HTML, every value in it escaped by the template.
    rows.innerHTML = await response.text();
  }
  if (!response.ok || rows.querySelector("tr[data-unfinished]")) {
    setTimeout(refresh, response.ok ? EVERY_MS : EVERY_MS * 5);
  }
}

if (rows) setTimeout(refresh, EVERY_MS);
