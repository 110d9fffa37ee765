// A list filter shown as a drop-down (templates/admin/dropdown_filter.html): choosing an option opens it.
// Each filter includes this file; the flag keeps one listener however many filters a page has.
if (!window.owDropdownFilter) {
  window.owDropdownFilter = true;
  document.addEventListener("change", function (event) {
    var select = event.target.closest && event.target.closest("select[data-ow-dropdown-filter]");
    if (select) {
      window.location.href = select.value;
    }
  });
}
