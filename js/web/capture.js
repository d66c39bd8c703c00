// Loaded after jatopic-tokenizer.js and before the packaged model parts
// (jatopic-model-*.js). Keeps a reference to each part so the page can put
// the packaged model back after a failed jatopic.loadModel, which leaves no
// model loaded. The part strings are the ones the library already holds, so
// this costs no memory.
(function () {
  'use strict';
  if (typeof jatopic === 'undefined') return;
  var parts = [];
  var add = jatopic.addModelPart;
  jatopic.addModelPart = function (index, count, bytes, data) {
    parts.push([index, count, bytes, data]);
    return add.call(jatopic, index, count, bytes, data);
  };
  window.jatopicPackagedModel = {
    available: function () { return parts.length > 0; },
    // Registers the packaged parts again (loadModel dropped them).
    restore: function () {
      for (var i = 0; i < parts.length; i++) add.apply(jatopic, parts[i]);
    },
  };
})();
