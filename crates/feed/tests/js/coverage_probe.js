// Measures the coverage page once it has loaded and stores the result as JSON in the body's
// data-probe attribute, for a test that reads the page back with `chromium --dump-dom`.
(function () {
  'use strict';
  function channels(color) { return color.match(/[\d.]+/g).map(Number); }

  // Relative luminance as WCAG 2 defines it.
  function luminance(rgb) {
    var linear = rgb.slice(0, 3).map(function (v) {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2];
  }

  // The first background colour that is not transparent, from the element outwards.
  function background(element) {
    for (; element; element = element.parentElement) {
      var rgba = channels(getComputedStyle(element).backgroundColor);
      if (rgba.length < 4 || rgba[3] > 0) { return rgba; }
    }
    return [255, 255, 255];
  }

  function probe() {
    var worst = null;
    var checked = 0;
    document.querySelectorAll('.cell a, .cell .count').forEach(function (element) {
      var text = luminance(channels(getComputedStyle(element).color));
      var back = luminance(background(element));
      var ratio = (Math.max(text, back) + 0.05) / (Math.min(text, back) + 0.05);
      checked++;
      if (!worst || ratio < worst.ratio) { worst = { ratio: ratio, text: element.textContent }; }
    });
    var matrix = document.querySelector('.matrix');
    document.body.setAttribute('data-probe', JSON.stringify({
      checked: checked,
      worst: worst,
      pageWidth: document.documentElement.scrollWidth,
      windowWidth: window.innerWidth,
      matrixScrollWidth: matrix.scrollWidth,
      matrixClientWidth: matrix.clientWidth,
      matrixOverflowX: getComputedStyle(matrix).overflowX,
      matrixBottom: matrix.getBoundingClientRect().bottom - matrix.getBoundingClientRect().top,
      windowHeight: window.innerHeight
    }));
  }
  window.addEventListener('load', probe);
}());
