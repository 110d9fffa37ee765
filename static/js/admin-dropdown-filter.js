// A list filter shown as a drop-down (templates/admin/dropdown_filter.html): choosing an option opens it.
document.addEventListener("change", function (event) {
  var select = event.target.closest && event.target.closest("select[data-ow-dropdown-filter]");
  if (select) {
    window.location.href = select.value;
  }
});
