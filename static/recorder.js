// Record a spoken testimony in the page: record, stop, listen again, record again. The
// recording is put into the form's own file input, so the form is sent as without script.
// Where the browser cannot record (no MediaRecorder, no microphone, no DataTransfer), the
// file input stays as it is. When the voice will be disguised, the disguised version is
// fetched from the server and played, so the person hears what will be published.
(function () {
  "use strict";
  // A file over the size limit is refused here, before a long upload that the server (or
  // the proxy in front of it) would refuse: the input is emptied, the text stays sendable.
  var sized = document.querySelector("[data-recorder][data-max-bytes]");
  if (sized) {
    var chosen = sized.querySelector("input[type=file]");
    var tooBig = sized.querySelector("[data-too-big]");
    var maxBytes = parseInt(sized.dataset.maxBytes, 10);
    chosen.addEventListener("change", function () {
      var file = chosen.files && chosen.files[0];
      var over = Boolean(file && maxBytes && file.size > maxBytes);
      if (over) { chosen.value = ""; }
      tooBig.hidden = !over;
    });
  }
})();

(function () {
  "use strict";
  var field = document.querySelector("[data-recorder]");
  var template = document.getElementById("recorder-template");
  if (!field || !template || !window.MediaRecorder || !window.DataTransfer ||
      !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return;
  }
  try {
    new DataTransfer().items.add(new File([""], "test.webm"));
  } catch (error) {
    return;
  }
  var input = field.querySelector("input[type=file]");
  var box = template.content.firstElementChild.cloneNode(true);
  field.insertBefore(box, input);
  var buttons = {};
  box.querySelectorAll("button[data-action]").forEach(function (button) {
    buttons[button.dataset.action] = button;
  });
  var timer = box.querySelector("[data-timer]");
  var status = box.querySelector("[data-status]");
  var player = box.querySelector("[data-player]");
  // Stopped a second before the limit: the timer ticks every 250 ms, and a recording that
  // ran past the limit would be refused once sent.
  var maxSeconds = Math.max(1, (parseInt(field.dataset.maxSeconds, 10) || 180) - 1);
  var recorder = null;
  var stream = null;
  var started = 0;
  var ticking = null;
  var playing = null;  // the object URL the player plays
  var atLimit = false;
  var recorded = null;  // the recording in the file input, if any

  function say(key) {
    status.textContent = status.dataset[key] || "";
  }

  function show(names) {
    Object.keys(buttons).forEach(function (name) {
      buttons[name].hidden = names.indexOf(name) === -1;
    });
  }

  function clock(seconds) {
    var whole = Math.floor(seconds);
    var rest = whole % 60;
    return Math.floor(whole / 60) + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function chooseType() {
    var types = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/mp4", "audio/webm"];
    for (var i = 0; i < types.length; i += 1) {
      if (MediaRecorder.isTypeSupported && MediaRecorder.isTypeSupported(types[i])) {
        return types[i];
      }
    }
    return "";
  }

  function extension(type) {
    if (type.indexOf("ogg") !== -1) { return "ogg"; }
    if (type.indexOf("mp4") !== -1) { return "m4a"; }
    return "webm";
  }

  function disguised() {
    var voice = field.dataset.voice;
    if (voice === "chosen") {
      var anonymous = document.querySelector("input[name=display_mode][value=anonymous]");
      return Boolean(anonymous && anonymous.checked);
    }
    return true;
  }

  function play(blob) {
    if (playing) { URL.revokeObjectURL(playing); }
    playing = URL.createObjectURL(blob);
    player.src = playing;
    player.hidden = false;
  }

  function tick() {
    var seconds = (Date.now() - started) / 1000;
    timer.textContent = clock(Math.min(seconds, maxSeconds));
    if (seconds >= maxSeconds) {
      atLimit = true;
      stop();
    }
  }

  function stop() {
    if (recorder && recorder.state !== "inactive") { recorder.stop(); }
    clearInterval(ticking);
  }

  function preview(file) {
    var form = input.form;
    var data = new FormData();
    var token = form.querySelector("input[name=csrf_token]");
    if (token) { data.append("csrf_token", token.value); }
    data.append("audio", file);
    say("preparing");
    fetch(field.dataset.previewUrl, {method: "POST", body: data, credentials: "same-origin"})
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.blob();
      })
      .then(function (blob) {
        play(blob);
        say("disguised");
      })
      .catch(function () {
        say("previewFailed");
      });
  }

  function offer(file) {
    if (disguised()) {
      player.hidden = true;
      preview(file);
    } else {
      play(file);
      say(atLimit ? "limit" : "done");
    }
  }

  function finished(chunks, type) {
    var blob = new Blob(chunks, {type: type || "audio/webm"});
    recorded = new File([blob], "enregistrement." + extension(blob.type), {type: blob.type});
    var transfer = new DataTransfer();
    transfer.items.add(recorded);
    input.files = transfer.files;
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
    show(["listen", "again"]);
    buttons.listen.focus();
    offer(recorded);
  }

  function record() {
    navigator.mediaDevices.getUserMedia({audio: true}).then(function (media) {
      var type = chooseType();
      var chunks = [];
      stream = media;
      recorder = type ? new MediaRecorder(media, {mimeType: type}) : new MediaRecorder(media);
      recorder.addEventListener("dataavailable", function (event) {
        if (event.data && event.data.size) { chunks.push(event.data); }
      });
      recorder.addEventListener("stop", function () { finished(chunks, recorder.mimeType); });
      atLimit = false;
      started = Date.now();
      timer.textContent = clock(0);
      recorder.start(1000);
      ticking = setInterval(tick, 250);
      show(["stop"]);
      buttons.stop.focus();
      say("recording");
    }).catch(function () {
      say("denied");
      input.focus();
    });
  }

  buttons.record.addEventListener("click", record);
  buttons.stop.addEventListener("click", stop);
  buttons.listen.addEventListener("click", function () {
    player.currentTime = 0;
    player.play();
  });
  buttons.again.addEventListener("click", function () {
    input.value = "";
    recorded = null;
    player.pause();
    player.hidden = true;
    timer.textContent = clock(0);
    record();
  });
  // A file chosen by hand replaces the recording.
  input.addEventListener("change", function () {
    if (recorder && recorder.state !== "inactive") { return; }
    recorded = null;
    player.hidden = true;
    show(["record"]);
    status.textContent = "";
  });
  // Choosing to appear under a name or not changes what will be heard: heard again.
  if (input.form) {
    input.form.addEventListener("change", function (event) {
      var name = event.target.name;
      if (recorded && name === "display_mode") { offer(recorded); }
    });
  }
  show(["record"]);
}());
