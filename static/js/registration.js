// The staff registration form, ready for the ID card reader (cardreader issue): the reader's
// script calls window.dlepFillRegistration({national_id, title_th, first_name, last_name,
// title_en, first_name_en, last_name_en, birth_date: "YYYY-MM-DD"}) and the fields fill in.
// The server checks everything again: the card proves nothing by itself.
(function () {
  window.dlepFillRegistration = function (data) {
    var form = document.getElementById("staff-registration-form");
    if (!form) { return 0; }
    var filled = 0;
    Object.keys(data).forEach(function (name) {
      var input = form.elements[name];
      var value = data[name];
      // the birth date as people type it here: day/month/Buddhist year (15/03/2528)
      var iso = name === "birth_date" && /^(\d{4})-(\d{2})-(\d{2})$/.exec(value || "");
      if (iso) { value = iso[3] + "/" + iso[2] + "/" + (parseInt(iso[1], 10) + 543); }
      if (input && value !== undefined && value !== null) {
        input.value = value;
        filled += 1;
      }
    });
    if (form.elements.from_card) { form.elements.from_card.value = "True"; }
    return filled;
  };
})();
