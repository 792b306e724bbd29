import './base.css';
import './buttons.css';
import './lists.css';
import './dialogs.css';
import './width.css';
import './sharing.css';
