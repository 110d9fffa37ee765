// A button that prints the page (templates/approvals/notice.html): a script file, since the CSP forbids onclick="".
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("[data-ow-print]")) {
    window.print();
  }
});
